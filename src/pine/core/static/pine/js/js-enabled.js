// Runs before the page renders, so GOV.UK Frontend's JavaScript-only styles apply without a flash.
// Kept as a file, not inline, so the Content-Security-Policy needs no 'unsafe-inline'.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');

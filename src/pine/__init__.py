"""PINE – Practice in Need of Evidence."""

"""api of the rehab app, one module per feature."""

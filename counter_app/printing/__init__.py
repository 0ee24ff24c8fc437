"""printing layer of the counter application (see DESIGN.md section 2)."""

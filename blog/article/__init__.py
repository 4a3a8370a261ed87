"""Article pages: write, preview, read, edit and delete."""

"""The search page: /search?q= with tabs for articles, members and tags."""

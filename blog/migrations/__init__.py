"""Our Alembic history (versions/), its environment (env.py) and what keeps it safe (safety.py)."""

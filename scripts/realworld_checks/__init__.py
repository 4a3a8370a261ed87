"""The checks of scripts/realworld_client.py, one module per part of the RealWorld API."""

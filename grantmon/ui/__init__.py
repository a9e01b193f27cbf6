"""Streamlit pieces shared by the pages: cached loaders, session actor, banners."""

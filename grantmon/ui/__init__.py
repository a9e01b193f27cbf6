"""Streamlit pieces shared by the pages: cached loaders, session actor, navigation, banners.

The pages and the dashboard stand above it and the command line beside it, never importing
it; nothing below it (services, charts, data_model) imports Streamlit.
"""

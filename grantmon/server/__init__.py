"""The dashboard's web server (Streamlit's, with the grant monitor's additions)."""

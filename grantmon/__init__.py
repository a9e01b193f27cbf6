"""The grant monitor's one package, besides the card's data_model and seed.

    ui/        Streamlit pieces the screens (pages/) share
    cli/       the `grantmon` command, beside ui: calls services and seed, never ui
    services/  reads and commands grouped by what they serve, over services/core; no Streamlit
    charts/    one Plotly function per chart
Ground floor, importable by every layer: settings, periods, formatting, i18n.
tests/test_architecture.py keeps every import running downhill.
"""

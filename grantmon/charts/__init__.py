"""One Plotly function per chart: DataFrame in, figure out; shared by screens and exports."""

"""Budget against spending: reads behind the Budget screen, and the expenditure entry command."""

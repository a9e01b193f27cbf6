"""The results framework: indicator tracking, the IPTT export and the quarterly results entry."""

"""The web app: the pages people use in a browser, served by the same process as the API."""

"""The web app: the pages people use in a browser, served by the same process as the API, on the
same service functions (producers, trainers, coordinators), with sign-in by tenant key, sessions
and CSRF protection."""

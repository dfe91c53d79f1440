"""The web app: the same service functions as the API, as server-rendered pages for people
(producers, trainers, coordinators), with sign-in by tenant key, sessions and CSRF protection."""

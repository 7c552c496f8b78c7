"""The service layer: what the HTTP API and the web pages both do, called by both.

Each function takes what it works on explicitly (a database session, the settings, the engine,
the signed-in user) and raises a typed :class:`~spasmcheck.services.errors.ServiceError` when it
cannot do its job. It never answers in HTTP terms: the API turns an error into JSON with a
status code (:mod:`spasmcheck.api.errors`), the web into a page or the form again
(:mod:`spasmcheck.web.errors`). Neither front imports the other; both import this.
"""

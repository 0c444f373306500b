"""The sample network: a believable network to see favorbook at work (``favorbook demo``,
File › Load Sample Network) and the 100,000-contact one the benchmark measures.

Above the services: it writes contacts through the contact store
(``services.contact_store``), and nothing in services/ imports it. No Qt here.
"""

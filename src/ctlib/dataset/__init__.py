"""The dataset as a whole, described for harvesters: the facts ingest counts once per
generation (``facts``: ``dataset.json`` beside the dumps), and the VoID (``void``) and
DCAT-AP (``dcat``) graphs built from them with the server's settings. Nothing here
knows HTTP; ``web/harvest/dataset.py`` serves them."""

"""Helpers for people writing scenes: the scene files' JSON Schema (``schema``, with the
hyperparameter ranges probed by ``ranges``), new scenes to start from (``newscene``), and the
loop that re-renders a preview whenever a scene file changes (``watch``)."""

"""Private parts of article extraction; the public entry point is ``crawlers.extract``.

``decode`` (bytes -> text), ``tree`` (parse, bound, pre-clean, selectors), ``body`` (trafilatura
mode choice and line clean-up), ``metadata`` and ``language``.
"""

"""The synthesis recipe optimizer: ``recipe`` (model and script builders), ``space`` and
``strategy`` (pure search), ``evaluate`` and ``verify`` (the sandboxed runs), ``history`` (the
recipe store), ``run`` (``optimize``, also the ``optimize`` tool) and ``report`` (results)."""

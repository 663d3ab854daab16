"""The archive core: library folder, entities, file store, filing, fixity. Never imports Qt."""

"""佐證: the files agencies send with their replies — fetched as recorded jobs, checked, kept, zipped."""

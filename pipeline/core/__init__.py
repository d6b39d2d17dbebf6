"""The pure core every stage shares: the data model, the template's layout, the findings catalogue, words shown to
people (ko/en) and the rules for showing numbers. No files, clock or network."""

"""The city's scoring rules: points and scores per goal, totals and grades per agency, ranks and excellent agencies per
city, and the one-line explanations. Pure."""

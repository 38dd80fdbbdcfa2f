"""Editorial meaning of reused text: quotations, credits, boilerplate, repeats."""

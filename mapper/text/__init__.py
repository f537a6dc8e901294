"""Reading an article: the places, quantities, dates and flows it names, each with its exact quote."""

"""HTTP plumbing the blueprints share: error pages, headers, redirects, answers, forms.

Imports the domain and the models; never a blueprint.
"""

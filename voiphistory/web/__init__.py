"""The project's toolkit (as healthchecks has ``hc/lib``): what every app's views, services and
templates share without reaching into another app, e.g. ``htmx`` (fragments, the end of polling,
the safe "next" URL), ``messages`` (VoIPstudio's failures in words), ``formatting`` (values as
they read on screen), ``csv`` (the conventions of every CSV the dashboard writes). Modules here
import Django and the VoIPstudio client, never an app of the project.
"""

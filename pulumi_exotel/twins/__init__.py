"""Local twins of the hosted Voice-AI platforms' APIs (Retell, ElevenLabs, ...), for tests.

No local server exists for these platforms, so each twin serves the few endpoints our platform
resources call, with the vendor's paths and bodies, checked against the vendor SDK's own types
(strict about missing and unknown fields). ``_server`` holds what they share. Twins keep what
they are given, including digest passwords the real APIs never return, so a rotation test can
read the credential the platform currently holds.
"""

"""Platform-side resources: the Voice-AI platform's half of an Exotel SIP trunk, in Pulumi.

One program owns both sides: ``pulumi_exotel.Trunk`` / ``DigestCredential`` on Exotel's side,
and here the object on the platform that dials through that trunk (a Retell or ElevenLabs phone
number, a LiveKit SIP trunk, ...). A credential rotation then updates the platform object in
place between creating the new credential and deleting the old one.

Each platform lives in its own module (``pulumi_exotel.platforms.retell``, ...) and needs its
SDK, installed as an extra (``pip install 'pulumi-exotel[retell]'``). Nothing is imported here,
so importing this package never needs any platform SDK. ``_base`` holds what they all share.
"""

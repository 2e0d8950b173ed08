"""The reply network: who answers whom in a community, and how far it is
many-to-many rather than one person to many. (To be built: see the brief.)"""

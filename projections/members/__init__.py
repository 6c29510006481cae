"""The members read model (members, member_identities) and the queries over it."""

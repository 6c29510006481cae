"""Engagement over GraphQL: recording interactions, scores, activity and top members."""

"""Community events: meetups, webinars, talks, hackathons and AMAs; who registered, who came."""

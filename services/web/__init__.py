"""The web app for review teams: server-rendered GOV.UK pages over the same query functions as the API."""

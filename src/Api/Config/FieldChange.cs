namespace Silo.Api.Config;

/// <summary>One field's value now (null for a create) and in the document.</summary>
public sealed record FieldChange(string Field, System.Text.Json.Nodes.JsonNode? From, System.Text.Json.Nodes.JsonNode? To);

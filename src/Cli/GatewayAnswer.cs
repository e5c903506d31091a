using System.Text.Json;

namespace Silo.Cli;

/// <summary>One call to the gateway: its status and body, or why it could not be made.</summary>
public sealed record GatewayAnswer(int Status, string Body, string? MediaType)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    public JsonElement Json() => JsonDocument.Parse(Body).RootElement.Clone();
}

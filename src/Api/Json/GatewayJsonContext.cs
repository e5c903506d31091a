using System.Text.Json;
using System.Text.Json.Serialization;
using Silo.Api.Contracts;

namespace Silo.Api.Json;

/// <summary>Source-generated serializers for the hot data-plane responses (no reflection per response).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CheckResponse))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;

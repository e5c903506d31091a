using System.Text.Json;
using Silo.Api.Errors;

namespace Silo.Api.Json;

/// <summary>Reads a JSON request body into a DTO, turning every failure into a 4xx problem.</summary>
public static class JsonBody
{
    /// <summary>The largest admin or check body accepted (bytes).</summary>
    public const int MaxBytes = 64 * 1024;

    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, bool optional = false)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any()))
        {
            return optional ? (null, null) : (null, Problem.For(GatewayError.InvalidJson, "A JSON body is required."));
        }

        if (request.ContentType is not null && !request.HasJsonContentType())
        {
            return (null, Problem.For(GatewayError.UnsupportedMediaType));
        }

        if (request.ContentLength > MaxBytes)
        {
            return (null, Problem.For(GatewayError.PayloadTooLarge, $"The body may be at most {MaxBytes} bytes."));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(new LimitedStream(request.Body, MaxBytes), GatewayJson.Options, request.HttpContext.RequestAborted);
            return value is null
                ? (null, Problem.For(GatewayError.InvalidJson, "The body must be a JSON object."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, Problem.For(GatewayError.InvalidJson, GatewayExceptionHandler.JsonErrorDetail(ex)));
        }
        catch (InvalidDataException)
        {
            return (null, Problem.For(GatewayError.PayloadTooLarge, $"The body may be at most {MaxBytes} bytes."));
        }
    }
}

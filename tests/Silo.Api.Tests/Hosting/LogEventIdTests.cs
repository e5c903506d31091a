using System.Reflection;
using Microsoft.Extensions.Logging;
using Silo.Api.Endpoints;
using Silo.Grains.Hosting;

namespace Silo.Api.Tests.Hosting;

/// <summary>
/// Every log message the gateway writes has an event id of its own, so operators can filter and alert on one
/// kind of line whatever its text becomes. Read from the compiled assemblies (the front end's and the grains').
/// </summary>
public sealed class LogEventIdTests
{
    private static readonly Assembly[] Assemblies = [typeof(Admission).Assembly, typeof(GatewaySiloHosting).Assembly];

    [Fact]
    public void EveryLogMessage_HasAnEventId_UsedByNoOther()
    {
        var messages = Assemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: $"{m.DeclaringType!.FullName}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToList();

        Assert.True(messages.Count >= 40, $"only {messages.Count} log messages found: the scan misses some");
        Assert.Empty(messages.Where(m => m.Attribute!.EventId <= 0).Select(m => m.Method));
        var shared = messages.GroupBy(m => m.Attribute!.EventId).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}");
        Assert.Empty(shared);
    }
}

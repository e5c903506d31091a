using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Silo.Api.Hosting;
using Silo.Api.Tests.Infrastructure;

namespace Silo.Api.Tests.DataPlane;

/// <summary>
/// An admission call whose answer was lost (it ran, then timed out at the front end, as when a silo stops with the
/// answer on its way): sent again when the cluster changed while it waited, answered 503 when nothing changed (a
/// frozen silo, where a second call would wait as long). The real front end and embedded silo; the loss is made
/// by an outgoing grain call filter, the change by a counter beside the real readiness.
/// </summary>
public sealed class LostAnswerTests(LostAnswerTests.LosingGatewayFactory gateway) : IClassFixture<LostAnswerTests.LosingGatewayFactory>
{
    [Fact]
    public async Task Check_WhoseAnswerWasLostWhileTheClusterChanged_IsSentAgain_AndTheLostUnitCounts()
    {
        var (key, keyId) = await CreateKeyAsync();
        gateway.Losses.LoseNextAdmission(keyId, clusterChanges: true);
        using var client = gateway.CreateKeyClient(key);

        var body = await Expect.JsonAsync(await client.PostAsync("/v1/check", null), 200);

        Assert.Equal(2, gateway.Losses.AdmissionCalls(keyId));
        Assert.Equal(98, body.GetProperty("remaining").GetInt64()); // the lost call's unit stays taken: errs towards admitting less
    }

    [Fact]
    public async Task Check_WhoseAnswerWasLostWhileNothingChanged_Answers503_WithoutASecondCall()
    {
        var (key, keyId) = await CreateKeyAsync();
        gateway.Losses.LoseNextAdmission(keyId, clusterChanges: false);
        using var client = gateway.CreateKeyClient(key);

        var response = await client.PostAsync("/v1/check", null);

        var problem = await Expect.JsonAsync(response, 503);
        Assert.EndsWith("gateway-unavailable", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, gateway.Losses.AdmissionCalls(keyId));
    }

    private async Task<(string Key, string KeyId)> CreateKeyAsync()
    {
        var tenant = await gateway.CreateTenantAsync();
        var key = await gateway.CreateKeyAsync(tenant, new[] { new { name = "per-minute", algorithm = "fixed-window", limit = 100, windowSeconds = 60 } });
        return (key, key.Split('_')[1]);
    }

    public sealed class LosingGatewayFactory : GatewayFactory
    {
        public AnswerLosses Losses { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton<IOutgoingGrainCallFilter>(Losses);
                services.AddSingleton<IClusterReadiness>(sp => Losses.Around(ActivatorUtilities.CreateInstance<CoHostedSiloReadiness>(sp)));
            });
        }
    }

    /// <summary>Loses the answer of chosen admission calls after they ran, and counts the admission calls per key.</summary>
    public sealed class AnswerLosses : IOutgoingGrainCallFilter
    {
        private readonly Dictionary<string, bool> _toLose = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _calls = new(StringComparer.Ordinal);
        private readonly Lock _gate = new();
        private long _changes;

        public void LoseNextAdmission(string keyId, bool clusterChanges)
        {
            lock (_gate)
            {
                _toLose[keyId] = clusterChanges;
            }
        }

        public int AdmissionCalls(string keyId)
        {
            lock (_gate)
            {
                return _calls.GetValueOrDefault(keyId);
            }
        }

        internal IClusterReadiness Around(IClusterReadiness real) => new Readiness(real, this);

        public async Task Invoke(IOutgoingGrainCallContext context)
        {
            await context.Invoke();
            if (context.InterfaceMethod?.Name != "AdmitAsync")
            {
                return;
            }

            var keyId = context.TargetId.Key.ToString()!;
            bool changes;
            lock (_gate)
            {
                _calls[keyId] = _calls.GetValueOrDefault(keyId) + 1;
                if (!_toLose.Remove(keyId, out changes))
                {
                    return;
                }
            }

            if (changes)
            {
                Interlocked.Increment(ref _changes);
            }

            throw new TimeoutException("The answer was lost (test).");
        }

        private sealed class Readiness(IClusterReadiness real, AnswerLosses losses) : IClusterReadiness
        {
            public bool IsReady => real.IsReady;

            public long Changes => real.Changes + Interlocked.Read(ref losses._changes);

            public Task<IReadOnlyList<string>> ActiveSilosAsync() => real.ActiveSilosAsync();
        }
    }
}

namespace Silo.Api.Tests.Forwarding;

/// <summary>Two independent downstreams (two endpoints of one service) and a decoy that nothing may reach.</summary>
public sealed class DownstreamPair : IAsyncLifetime
{
    public ScriptedDownstream Primary { get; } = new();

    public ScriptedDownstream Secondary { get; } = new();

    /// <summary>A listener no request may ever reach: it stands for any host that is not a registered endpoint.</summary>
    public ScriptedDownstream Decoy { get; } = new();

    public async Task InitializeAsync()
    {
        await Primary.InitializeAsync();
        await Secondary.InitializeAsync();
        await Decoy.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Primary.DisposeAsync();
        await Secondary.DisposeAsync();
        await Decoy.DisposeAsync();
    }
}

using System.Threading.Channels;
using Cordon.Platform;
using Cordon.Platform.Auth;
using Microsoft.Extensions.Options;

namespace Cordon.Features.Testing;

/// <summary>
/// Group commit for sample registrations. Requests put their samples on a queue and wait; one writer
/// takes everything that has arrived (up to the configured maximum), registers it in one transaction
/// per sub-district, and answers each request only after that transaction is committed. A full queue
/// means the node is saturated: the caller answers 503 with Retry-After instead of timing out.
/// </summary>
public sealed class SampleWriter(IServiceScopeFactory scopes, IOptions<SamplingOptions> options, ILogger<SampleWriter> logger) : BackgroundService
{
    private readonly int _maxBatch = Math.Max(1, options.Value.MaxBatch);

    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(Math.Max(1, options.Value.QueueCapacity))
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    /// <summary>A sample to register, or (Item null) a request to warm a sub-district's cache before its samplers start.</summary>
    private sealed record Pending(SamplingRegistrar.Item? Item, Guid Tenant, TaskCompletionSource<SampleOutcome> Done);

    /// <summary>Null when the queue is full (the caller says 503); otherwise the outcome after commit.</summary>
    public Task<SampleOutcome>? TryEnqueue(SampleCommand command, Sampler sampler)
    {
        var pending = new Pending(new SamplingRegistrar.Item(command, sampler), sampler.SubdistrictId, new TaskCompletionSource<SampleOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        return _queue.Writer.TryWrite(pending) ? pending.Done.Task : null;
    }

    /// <summary>
    /// Loads a sub-district's people, round scopes and samples into the writer's cache now (a round was opened, the
    /// server started), so the first seconds of sampling do not wait for it. Best effort: dropped when the queue is full.
    /// </summary>
    public void Warm(Guid subdistrictId) =>
        _queue.Writer.TryWrite(new Pending(null, subdistrictId, new TaskCompletionSource<SampleOutcome>(TaskCreationOptions.RunContinuationsAsynchronously)));

    public int Waiting => _queue.Reader.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WarmOpenRoundsAsync(stoppingToken);
            await DrainAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The server is stopping: whatever was not committed was not acknowledged, and the devices send it again.
        }
    }

    private async Task DrainAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            foreach (var tenant in batch.GroupBy(p => p.Tenant))
            {
                var samples = tenant.Where(p => p.Item is not null).ToList();
                if (samples.Count == 0)
                {
                    await WarmAsync(tenant.Key, stoppingToken);
                    continue;
                }

                await WriteAsync(samples, stoppingToken);
            }
        }
    }

    /// <summary>At start, every sub-district with an open round: a restarted server is as quick as one that ran all day.</summary>
    private async Task WarmOpenRoundsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("sampling");
            var db = scope.ServiceProvider.GetRequiredService<Platform.Data.CordonDb>();
            foreach (var tenant in await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
                db.TestingRounds.Where(r => r.Status == RoundStatus.Open).Select(r => r.SubdistrictId).Distinct(), cancellationToken))
            {
                await WarmAsync(tenant, cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Warming the sampling cache at start failed; it fills on the first sample instead");
        }
    }

    private async Task WarmAsync(Guid tenant, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Caller>().ActForSubdistrict(tenant, "sampling");
            await scope.ServiceProvider.GetRequiredService<SamplingRegistrar>().WarmAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Warming the sampling cache failed; it fills on the first sample instead");
        }
    }

    private async Task WriteAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        SampleOutcome[]? outcomes;
        try
        {
            outcomes = await RunAsync(batch, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException && batch.Count > 1)
        {
            // Nothing was committed. One caller's write must never fail another's: each sample again on its own,
            // so only the one that cannot be registered fails.
            logger.LogWarning(e, "A batch of {Count} samples failed; registering them one by one", batch.Count);
            outcomes = null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Registering a sample failed; nothing was committed");
            batch[0].Done.TrySetException(e);
            return;
        }

        if (outcomes is null)
        {
            // A race with another node (or the failure above): one by one, each with retries.
            foreach (var pending in batch)
            {
                try
                {
                    pending.Done.TrySetResult(await OneAsync(pending, cancellationToken));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Registering a sample failed; nothing was committed");
                    pending.Done.TrySetException(e);
                }
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Done.TrySetResult(outcomes[i]);
        }
    }

    private async Task<SampleOutcome> OneAsync(Pending pending, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (await RunAsync([pending], cancellationToken) is { } outcomes)
            {
                return outcomes[0];
            }

            if (attempt == 8)
            {
                throw new InvalidOperationException("A sample kept colliding with concurrent writes.");
            }

            await Task.Delay(Random.Shared.Next(1, 5 * (attempt + 1)), cancellationToken);
        }
    }

    private async Task<SampleOutcome[]?> RunAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActForSubdistrict(batch[0].Tenant, "sampling");
        var registrar = scope.ServiceProvider.GetRequiredService<SamplingRegistrar>();
        return await registrar.RegisterAsync([.. batch.Select(p => p.Item!)], cancellationToken);
    }
}

using System.Data.Common;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace VideoPlatform.Core.Jobs;

/// <summary>A job's payload: a record that names its job type. The queue stores it as JSON; the runner reads it back for the handler.</summary>
public interface IJobPayload
{
    static abstract string JobType { get; }
}

/// <summary>Handles the jobs of one payload type. Throwing fails the attempt (retried with backoff); returning completes it.</summary>
public interface IJobHandler<in TPayload> where TPayload : IJobPayload
{
    /// <summary>How many jobs of this type one process runs at once.</summary>
    int Concurrency => 1;

    /// <summary>How long a claim lasts without a heartbeat; the runner heartbeats at a third of it.</summary>
    TimeSpan Lease => TimeSpan.FromSeconds(60);

    /// <summary>First retry delay after a failed attempt; doubles with every attempt up to <see cref="JobQueue.MaxBackoff"/>.</summary>
    TimeSpan InitialBackoff => JobQueue.DefaultInitialBackoff;

    Task HandleAsync(TPayload payload, JobContext context, CancellationToken ct);
}

/// <summary>The runner's view of a handler: a job type and untyped payloads (see <see cref="JobHandlerRegistration"/>).</summary>
public interface IJobHandler
{
    string Type { get; }
    int Concurrency { get; }
    TimeSpan Lease { get; }
    TimeSpan InitialBackoff { get; }
    Task HandleAsync(JobContext context, CancellationToken ct);
}

public static class JobHandlerRegistration
{
    /// <summary>Registers <typeparamref name="THandler"/> for the jobs of <typeparamref name="TPayload"/>, run by this process's <see cref="JobRunner"/>.</summary>
    public static IServiceCollection AddJobHandler<TPayload, THandler>(this IServiceCollection services)
        where TPayload : IJobPayload
        where THandler : class, IJobHandler<TPayload>
    {
        services.AddSingleton<THandler>();
        services.AddSingleton<IJobHandler>(sp => new TypedJobHandler<TPayload>(sp.GetRequiredService<THandler>()));
        return services;
    }

    internal static string Serialize<TPayload>(TPayload payload) where TPayload : IJobPayload =>
        JsonSerializer.Serialize(payload, JsonSerializerOptions.Web);
}

/// <summary>Reads the stored JSON into the handler's payload; a payload that cannot be read is a permanent failure.</summary>
internal sealed class TypedJobHandler<TPayload>(IJobHandler<TPayload> inner) : IJobHandler where TPayload : IJobPayload
{
    public string Type => TPayload.JobType;
    public int Concurrency => Math.Max(1, inner.Concurrency);
    public TimeSpan Lease => inner.Lease;
    public TimeSpan InitialBackoff => inner.InitialBackoff;

    public Task HandleAsync(JobContext context, CancellationToken ct)
    {
        TPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<TPayload>(context.Job.Payload, JsonSerializerOptions.Web);
        }
        catch (JsonException e)
        {
            throw new PermanentJobFailureException($"The {TPayload.JobType} job's payload cannot be read: {e.Message}");
        }
        return payload is null
            ? throw new PermanentJobFailureException($"The {TPayload.JobType} job has no payload.")
            : inner.HandleAsync(payload, context, ct);
    }
}

public sealed class JobContext(JobRow job, Func<int, Task> reportProgress, Func<object, Task>? storeDetails = null)
{
    public JobRow Job { get; } = job;

    /// <summary>Stored with the next heartbeat; 0–100.</summary>
    public Task ReportProgressAsync(int percent) => reportProgress(Math.Clamp(percent, 0, 100));

    /// <summary>
    /// Stores, at once, what the job has to say about its work (serialized as JSON, web casing) in the job's details, shown to
    /// administrators on the jobs page; a later call replaces it. Does nothing where the job's runner keeps no details.
    /// </summary>
    public Task SetDetailsAsync(object details) => storeDetails is null ? Task.CompletedTask : storeDetails(details);
}

/// <summary>A failure that no retry can fix (bad input): the job is given up at once.</summary>
public sealed class PermanentJobFailureException(string message) : Exception(message);

/// <summary>
/// Not a failure: the job cannot run before <see cref="RunAfter"/> (e.g. its target is known to be down). The job goes
/// back to the queue until then, without using up an attempt, and keeps <see cref="Exception.Message"/> as its visible reason.
/// </summary>
public sealed class JobDeferredException(DateTimeOffset runAfter, string reason) : Exception(reason)
{
    public DateTimeOffset RunAfter { get; } = runAfter;
}

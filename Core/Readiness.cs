namespace VideoPlatform.Core;

/// <summary>
/// Opens once the instance is ready: database migrated, public URL known, first accounts created. Workers wait for
/// it before their first claim; <c>/health</c> answers 200 only after it.
/// </summary>
public sealed class Readiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompleted;

    public void MarkReady() => _ready.TrySetResult();

    public Task WaitAsync(CancellationToken ct) => _ready.Task.WaitAsync(ct);
}

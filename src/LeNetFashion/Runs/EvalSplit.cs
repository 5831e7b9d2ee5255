namespace LeNetFashion.Runs;

/// <summary>What <c>eval</c> scores (the <c>--split</c> values).</summary>
public enum EvalSplit
{
    /// <summary>The 10,000 test images.</summary>
    Test,

    /// <summary>The model's own validation batches (its stored batch size, train rate and limit).</summary>
    Val,
}

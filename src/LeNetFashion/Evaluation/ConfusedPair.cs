namespace LeNetFashion.Evaluation;

/// <summary>Confusions between two classes in both directions.</summary>
/// <param name="ClassA">The lower class index.</param>
/// <param name="ClassB">The higher class index.</param>
/// <param name="NameA">Name of class A.</param>
/// <param name="NameB">Name of class B.</param>
/// <param name="AAsB">Samples of true class A predicted as B.</param>
/// <param name="BAsA">Samples of true class B predicted as A.</param>
public sealed record ConfusedPair(int ClassA, int ClassB, string NameA, string NameB, long AAsB, long BAsA)
{
    /// <summary>Confusions both ways.</summary>
    public long Total => AAsB + BAsA;

    /// <summary>E.g. <c>T-shirt/top &lt;-&gt; Shirt: 265 (133 + 132)</c>.</summary>
    public override string ToString() => $"{NameA} <-> {NameB}: {Total} ({AAsB} + {BAsA})";
}

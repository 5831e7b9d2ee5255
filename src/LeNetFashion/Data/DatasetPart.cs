namespace LeNetFashion.Data;

/// <summary>Which part of a data set to load.</summary>
public enum DatasetPart
{
    /// <summary>The training images (<c>train-*</c> files: 60,000 in both MNIST and Fashion-MNIST).</summary>
    Train,

    /// <summary>The test images (<c>t10k-*</c> files: 10,000).</summary>
    Test,
}

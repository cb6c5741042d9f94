package dev.jclip.runtime;

/** The kinds of encoder whose precision {@code auto} chooses separately: their kernels differ. */
public enum TowerKind {
    /** A vision transformer: linear layers and attention. */
    VIT,
    /** CLIP's modified ResNet: 1×1 and 3×3 convolutions, then attention pooling. */
    RESNET,
    /** The causal text transformer. */
    TEXT;

    /**
     * The image tower of a model known only by name (a job file records no more): the released
     * and preset ResNets are named RN…/rn-…, every other image tower is a ViT.
     */
    public static TowerKind imageTowerOf(String modelName) {
        String n = modelName.contains("/") && !modelName.startsWith("RN") ? modelName.substring(modelName.lastIndexOf('/') + 1) : modelName;
        return n.startsWith("RN") || n.startsWith("rn-") ? RESNET : VIT;
    }
}

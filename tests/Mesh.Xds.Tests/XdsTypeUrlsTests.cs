using System.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Mesh.Xds.Tests;

public class XdsTypeUrlsTests
{
    public static TheoryData<string, string> Constants
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var constant in typeof(XdsTypeUrls).GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                if (constant.Name != nameof(XdsTypeUrls.Prefix)) data.Add(constant.Name, (string)constant.GetRawConstantValue()!);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Constants))]
    public void TypeUrl_EachConstant_IsWhatAnyPackWritesForAGeneratedMessage(string name, string typeUrl)
    {
        var descriptor = XdsTypeRegistry.Instance.Find(typeUrl[XdsTypeUrls.Prefix.Length..]);

        Assert.True(descriptor is not null, $"{name}: {typeUrl} is not a generated message");
        Assert.NotNull(descriptor.ClrType);
        Assert.Equal(typeUrl, Any.Pack(descriptor.Parser.ParseFrom([])).TypeUrl);
    }
}
